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
    if (!text) throw new Error("no password on standard input: pipe one in, or run this in a terminal to be asked");
    if (/[\r\n]/.test(text)) throw new Error("standard input must hold only the password, on one line");
    return text;
  }
  const password = await readHidden(prompt);
  if (options.confirmPrompt && (await readHidden(options.confirmPrompt)) !== password) throw new Error("the two passwords are different");
  return password;
}

// What was typed or pasted after an Enter, kept for the next prompt (a pasted "pw⏎pw⏎" arrives in
// one chunk and must answer both).
let typedAhead = "";

/** One line typed without echo on a terminal (prompt on stderr). */
export function readHidden(prompt: string): Promise<string> {
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
    const consume = (text: string): boolean => {
      const characters = [...text];
      for (const [index, character] of characters.entries()) {
        if (character === "\r" || character === "\n") {
          typedAhead = characters.slice(index + 1).join("").replace(/^\n/, "");
          finish();
          return true;
        }
        if (character === "\u0003") {
          finish(new Error("cancelled"));
          return true;
        }
        if (character === "\u007f" || character === "\b") value = value.slice(0, -1);
        else if (character >= " ") value += character;
      }
      return false;
    };
    const onData = (data: Buffer) => void consume(data.toString("utf8"));
    const pending = typedAhead;
    typedAhead = "";
    if (consume(pending)) return;
    stdin.on("data", onData);
  });
}
