// Runs once when the web server starts. The checks live in a Node-only module so that the edge
// bundle never sees process.exit.
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { verifyStartup } = await import("@/lib/startup");
    await verifyStartup("web");
  }
}
