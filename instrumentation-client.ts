import { z } from "zod";

// Runs in the browser before any component module. Zod probes `new Function` to compile faster
// parsers; the console's Content-Security-Policy forbids eval, and although Zod catches the error,
// the browser still reports a CSP violation. jitless skips the probe (and the compiled parsers).
z.config({ jitless: true });
