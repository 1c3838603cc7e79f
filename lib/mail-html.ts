// The HTML part of a notification email, built from plain strings. Mail clients drop <style> blocks
// and most CSS, so every style is inline and the layout is tables, 600px at most. Colours are set on
// every element that holds text: a dark-mode client then inverts (or keeps) the whole card
// consistently instead of leaving dark text on a background it darkened.

export type EmailTone = "alarm" | "ok" | "info";

export type EmailContent = {
  /** The line an inbox shows next to the subject; hidden in the message itself. */
  preheader: string;
  heading: string;
  tone: EmailTone;
  /** The word on the coloured badge above the heading; defaults to the tone's ("Alarm", "OK", "Info"). */
  badge?: string;
  intro: string[];
  facts: [label: string, value: string][];
  /** Dropped when `href` is not an http(s) URL. */
  action?: { label: string; href: string };
  footer: string[];
};

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character]!);
}

/**
 * The URL as an attribute value, or null for anything but http(s): a link in a notice must never
 * run script (`javascript:`) or carry a `data:` page, whatever the configured public URL says.
 */
function toSafeHref(href: string): string | null {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return null;
  }
  return url.protocol === "http:" || url.protocol === "https:" ? escapeHtml(url.href) : null;
}

const escapeLines = (value: string) => escapeHtml(value).replace(/\r?\n/g, "<br>");

const FONT = "-apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif";
const PAGE_BACKGROUND = "#f1f5f9";
const CARD_BACKGROUND = "#ffffff";
const TEXT = "#0f172a";
const MUTED_TEXT = "#475569";
const RULE = "#e2e8f0";
const LINK = "#1d4ed8";

// Badge text on its tint passes WCAG AA; the bar carries the colour for readers who skim.
const TONES: Record<EmailTone, { bar: string; badgeBackground: string; badgeText: string; word: string }> = {
  alarm: { bar: "#dc2626", badgeBackground: "#fee2e2", badgeText: "#991b1b", word: "Alarm" },
  ok: { bar: "#16a34a", badgeBackground: "#dcfce7", badgeText: "#166534", word: "OK" },
  info: { bar: "#2563eb", badgeBackground: "#dbeafe", badgeText: "#1e40af", word: "Info" },
};

function paragraphs(lines: readonly string[], style: string): string {
  return lines.map((line) => `<p style="margin:0 0 12px 0;${style}">${escapeLines(line)}</p>`).join("");
}

export function renderEmailHtml(content: EmailContent): string {
  const tone = TONES[content.tone];
  const textStyle = `font-family:${FONT};color:${TEXT};`;
  const href = content.action ? toSafeHref(content.action.href) : null;

  const facts = content.facts.length
    ? `<tr><td style="padding:4px 28px 12px 28px;">` +
      `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="border-collapse:collapse;">` +
      content.facts
        .map(
          ([label, value]) =>
            `<tr>` +
            `<th scope="row" align="left" valign="top" style="font-family:${FONT};color:${MUTED_TEXT};font-size:14px;line-height:20px;font-weight:600;padding:8px 16px 8px 0;border-top:1px solid ${RULE};width:34%;">${escapeLines(label)}</th>` +
            `<td valign="top" style="${textStyle}font-size:14px;line-height:20px;padding:8px 0;border-top:1px solid ${RULE};word-break:break-word;">${escapeLines(value)}</td>` +
            `</tr>`,
        )
        .join("") +
      `</table></td></tr>`
    : "";

  const action =
    content.action && href
      ? `<tr><td style="padding:8px 28px 20px 28px;">` +
        `<table role="presentation" cellpadding="0" cellspacing="0" border="0"><tr>` +
        `<td bgcolor="${LINK}" style="background-color:${LINK};border-radius:6px;">` +
        `<a href="${href}" target="_blank" rel="noopener noreferrer" style="display:inline-block;padding:11px 20px;font-family:${FONT};font-size:15px;line-height:20px;font-weight:600;color:#ffffff;text-decoration:none;border-radius:6px;">${escapeHtml(content.action.label)}</a>` +
        `</td></tr></table>` +
        // Some clients strip styled links or block buttons: the address itself always works.
        `<p style="margin:12px 0 0 0;font-family:${FONT};font-size:13px;line-height:19px;color:${MUTED_TEXT};">Or open <a href="${href}" target="_blank" rel="noopener noreferrer" style="color:${LINK};word-break:break-all;">${href}</a></p>` +
        `</td></tr>`
      : "";

  const footer = content.footer.length
    ? `<tr><td style="padding:16px 28px 8px 28px;border-top:1px solid ${RULE};">${paragraphs(content.footer, `font-family:${FONT};font-size:13px;line-height:19px;color:${MUTED_TEXT};`)}</td></tr>`
    : "";

  return (
    `<!DOCTYPE html>` +
    `<html lang="en" dir="ltr"><head>` +
    `<meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    // Asks clients that honour it (Apple Mail, Outlook for Mac) not to recolour the message.
    `<meta name="color-scheme" content="light only">` +
    `<meta name="supported-color-schemes" content="light only">` +
    `<title>${escapeHtml(content.heading)}</title>` +
    `</head>` +
    `<body style="margin:0;padding:0;background-color:${PAGE_BACKGROUND};color:${TEXT};">` +
    // Padding after the preheader keeps clients from filling the inbox preview with the body's first words.
    `<div style="display:none;max-height:0;max-width:0;overflow:hidden;mso-hide:all;font-size:1px;line-height:1px;opacity:0;color:${PAGE_BACKGROUND};">${escapeHtml(content.preheader)}${"&#8199;&#847;".repeat(40)}</div>` +
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" bgcolor="${PAGE_BACKGROUND}" style="background-color:${PAGE_BACKGROUND};">` +
    `<tr><td align="center" style="padding:24px 12px;">` +
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" bgcolor="${CARD_BACKGROUND}" style="max-width:600px;width:100%;background-color:${CARD_BACKGROUND};border:1px solid ${RULE};border-collapse:separate;border-radius:8px;">` +
    `<tr><td bgcolor="${tone.bar}" height="6" style="background-color:${tone.bar};height:6px;line-height:6px;font-size:0;border-radius:8px 8px 0 0;">&nbsp;</td></tr>` +
    `<tr><td style="padding:24px 28px 8px 28px;">` +
    `<span style="display:inline-block;padding:3px 10px;border-radius:999px;background-color:${tone.badgeBackground};color:${tone.badgeText};font-family:${FONT};font-size:12px;line-height:16px;font-weight:700;letter-spacing:0.05em;text-transform:uppercase;">${escapeHtml(content.badge ?? tone.word)}</span>` +
    `<h1 style="margin:12px 0 16px 0;${textStyle}font-size:20px;line-height:28px;font-weight:700;">${escapeHtml(content.heading)}</h1>` +
    paragraphs(content.intro, `${textStyle}font-size:15px;line-height:22px;`) +
    `</td></tr>` +
    facts +
    action +
    footer +
    `</table>` +
    `</td></tr></table>` +
    `</body></html>`
  );
}
