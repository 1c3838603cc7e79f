import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { freePortPair, runCommand } from "@/scripts/lib/test-helpers";

describe("npm run demo", () => {
  it("says which port is in use and how to pick another, before doing any work", async () => {
    const [port, healthPort] = await freePortPair();
    const blocker = createServer().listen(port, "127.0.0.1");
    try {
      const { code, stdout, stderr } = await runCommand(["tsx", "scripts/demo.ts"], { PORT: String(port), WORKER_HEALTH_PORT: String(healthPort) });
      expect(code).toBe(1);
      expect(stderr.trim()).toBe(
        `demo: Port ${port} (PORT) is already in use, perhaps by another Tributary. Stop it, or choose another: PORT=${port + 100} npm run demo`,
      );
      expect(stdout).not.toContain("Building");
    } finally {
      blocker.close();
    }
  });
});
