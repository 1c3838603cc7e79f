/** Whether a navigation link to `href` is the current page or one of its sub-pages. */
export function isWithinPath(pathname: string, href: string): boolean {
  return pathname === href || pathname.startsWith(`${href}/`);
}
