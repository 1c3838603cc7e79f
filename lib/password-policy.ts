// Apart from lib/password.ts so that browser code (form validation) can import it without node:crypto.
export const PASSWORD_MIN_LENGTH = 12;
