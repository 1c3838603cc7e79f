import { stdin, stderr } from "node:process";

/**
 * A password from standard input: the whole of it when piped (one trailing newline dropped), or
 * typed twice without echo on a terminal. Prompts go to stderr so stdout stays clean for scripts.
 */
export async function readPassword(prompt: string, options: { confirmPrompt?: string } = {}): Promise<string> {
  if (!stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const chunk of stdin) chunks.push(Buffer.from(chunk as Buffer));
    const text = Buffer.concat(chunks).toString("utf8").replace(/\r?\n$/, "");
    if (/[\r\n]/.test(text)) throw new Error("standard input must hold only the password, on one line");
    return text;
  }
  const password = await readHidden(prompt);
  if (options.confirmPrompt && (await readHidden(options.confirmPrompt)) !== password) throw new Error("the two passwords are different");
  return password;
}

function readHidden(prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    stderr.write(prompt);
    stdin.setRawMode(true);
    stdin.resume();
    let value = "";
    const finish = (error?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off("data", onData);
      stderr.write("\n");
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (data: Buffer) => {
      for (const character of data.toString("utf8")) {
        if (character === "\r" || character === "\n") return finish();
        if (character === "\u0003") return finish(new Error("cancelled"));
        if (character === "\u007f" || character === "\b") value = value.slice(0, -1);
        else if (character >= " ") value += character;
      }
    };
    stdin.on("data", onData);
  });
}
