// The Slack app manifest the wizard offers to paste into "Create New App → From an app manifest", so
// that scopes, redirect URL and settings are right the first time instead of clicked together by hand.
// Field reference: https://api.slack.com/reference/manifests, limits from Slack's JSON schema
// https://github.com/slackapi/manifest-schema/blob/main/schemas/manifest.schema.1.0.0.json.
// Isomorphic: client components build and render it.

import { stringify } from "yaml";
import { installTargetOf, LOG_TYPE_INFO, LOG_TYPES, requiredUserScopes, type LogType } from "@/features/sources/schema";

/** Slack rejects a manifest whose display_information.name is longer than this. */
export const SLACK_APP_NAME_MAX_LENGTH = 35;

const FALLBACK_APP_NAME = "Tributary Slack logs";

export type SlackAppManifest = {
  // Version 2 exists for workflow automations; an ordinary OAuth app like this one is what version 1 describes.
  _metadata: { major_version: 1; minor_version: 1 };
  display_information: { name: string; description: string; background_color: string };
  oauth_config: {
    redirect_urls: string[];
    // Only user scopes: the log APIs take a user token of the installing owner/admin, and a bot scope
    // would add a bot user nobody needs plus a second token Tributary would have to store.
    scopes: { user: string[] };
  };
  settings: {
    org_deploy_enabled: boolean;
    socket_mode_enabled: false;
    token_rotation_enabled: false;
  };
};

export type SlackAppManifestInput = {
  appName: string;
  redirectUrl: string;
  logTypes: readonly LogType[];
};

/** "Tributary audit logs", "Tributary access & integration logs": short enough for Slack's name limit. */
export function defaultSlackAppName(logTypes: readonly LogType[]): string {
  const kinds = LOG_TYPES.filter((type) => logTypes.includes(type)).map((type) =>
    LOG_TYPE_INFO[type].label.toLowerCase().replace(/ logs$/, ""),
  );
  if (kinds.length === 0) return FALLBACK_APP_NAME;
  const joined = kinds.length === 1 ? kinds[0] : `${kinds.slice(0, -1).join(", ")} & ${kinds.at(-1)}`;
  const name = `Tributary ${joined} logs`;
  return name.length <= SLACK_APP_NAME_MAX_LENGTH ? name : FALLBACK_APP_NAME;
}

/**
 * The name as Slack will accept it: one line, trimmed, at most 35 characters, never empty. Cut on whole
 * code points (an emoji is never split in half) while counting UTF-16 units, which are never fewer than
 * code points or visible characters, so the result fits whether Slack counts one or the other. A cut mid-word goes back to the
 * last space unless that would throw away most of the name.
 */
export function normalizeSlackAppName(appName: string, logTypes: readonly LogType[]): string {
  const oneLine = appName.replace(/\s+/g, " ").trim();
  let name = "";
  for (const character of oneLine) {
    if (name.length + character.length > SLACK_APP_NAME_MAX_LENGTH) break;
    name += character;
  }
  const isCutMidWord = name.length < oneLine.length && oneLine[name.length] !== " ";
  const lastSpace = name.lastIndexOf(" ");
  if (isCutMidWord && lastSpace >= SLACK_APP_NAME_MAX_LENGTH / 2) name = name.slice(0, lastSpace);
  name = name.trimEnd();
  return name === "" ? defaultSlackAppName(logTypes) : name;
}

function describeApp(logTypes: readonly LogType[]): string {
  const labels = LOG_TYPES.filter((type) => logTypes.includes(type)).map((type) => LOG_TYPE_INFO[type].label.toLowerCase());
  return `Lets Tributary read this Slack ${installTargetOf(logTypes)}'s ${labels.join(", ")} for the security team. Read-only.`;
}

export function buildSlackAppManifest({ appName, redirectUrl, logTypes }: SlackAppManifestInput): SlackAppManifest {
  // An app without a scope installs fine and then pulls nothing; the form never allows it, so this is a bug.
  if (logTypes.length === 0) throw new Error("buildSlackAppManifest needs at least one log type");
  return {
    _metadata: { major_version: 1, minor_version: 1 },
    display_information: {
      name: normalizeSlackAppName(appName, logTypes),
      description: describeApp(logTypes),
      background_color: "#1e3a5f",
    },
    oauth_config: {
      redirect_urls: [redirectUrl],
      scopes: { user: requiredUserScopes(logTypes) },
    },
    settings: {
      // Slack answers audit log calls only for a token from an install on the Enterprise organization
      // itself, not on one of its workspaces. This flag is the manifest form of the "Org Level Apps"
      // opt-in that makes an app installable on the organization. Access and integration logs come from
      // one workspace's install, which must not turn into an organization install, so they leave it off.
      org_deploy_enabled: installTargetOf(logTypes) === "organization",
      // Tributary polls the log APIs; it receives no events, so there is nothing to open a socket for.
      socket_mode_enabled: false,
      // With rotation on, Slack's access tokens expire after 12 hours and must be refreshed with a refresh
      // token. Tributary stores one long-lived user token and has no refresh-token flow, so pulls would
      // stop half a day after the install.
      token_rotation_enabled: false,
    },
  };
}

export function manifestAsJson(manifest: SlackAppManifest): string {
  return JSON.stringify(manifest, null, 2);
}

export function manifestAsYaml(manifest: SlackAppManifest): string {
  return stringify(manifest, {
    // Every string double-quoted: names like "no", "on" or "1:30" are strings to us but booleans or
    // numbers to a YAML 1.1 parser, and we don't know which one Slack's paste box runs.
    defaultStringType: "QUOTE_DOUBLE",
    defaultKeyType: "PLAIN",
    // No folding: a long redirect URL stays on one line, as people expect to see and copy it.
    lineWidth: 0,
  });
}
