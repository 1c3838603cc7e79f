// Step-by-step instructions for creating the Slack app, tailored to the chosen log types. Plain text:
// a React component renders them, so no markup here. Isomorphic, like the manifest they go with.

import { installTargetOf, requiredUserScopes, type LogType } from "@/features/sources/schema";
import { defaultSlackAppName } from "@/features/wizard/manifest";

export type SetupStep = {
  title: string;
  detail?: string;
};

export const SLACK_PLAN_HELP =
  "To find your Slack plan, click the workspace or organization name at the top left of Slack. " +
  "On Enterprise Grid you see an organization with several workspaces in it. " +
  "Otherwise open Settings & administration → Workspace settings, or Settings & administration → Billing, which names the plan (Free, Pro, Business+ or Enterprise Grid).";

function joinScopes(scopes: readonly string[]): string {
  return scopes.join(" and ");
}

function signInStep(logTypes: readonly LogType[]): SetupStep {
  if (installTargetOf(logTypes) === "organization") {
    return {
      title: "Sign in to Slack as an owner of the Enterprise organization",
      detail:
        "Open https://slack.com/workspace-signin and sign in to a workspace of the organization you want to monitor, then click Launch in Slack on that workspace. " +
        "You must be an owner of the organization (Primary Owner or Org Owner): Slack refuses audit logs to organization admins.",
    };
  }
  return {
    title: "Sign in to Slack as an admin or owner of the workspace",
    detail:
      "Open https://slack.com/workspace-signin and sign in to the workspace whose logs you want. " +
      "You must be a Workspace Admin or Owner. On Enterprise Grid, click Launch in Slack on that workspace: these logs are pulled per workspace.",
  };
}

/**
 * The steps after the Panther seed's "How to create a Slack App" sections, in the order Slack's pages
 * come: create the app, OAuth & Permissions, (audit logs only) Manage Distribution, Basic Information.
 */
export function slackAppSetupSteps(logTypes: readonly LogType[], { redirectUrl }: { redirectUrl: string }): SetupStep[] {
  if (logTypes.length === 0) throw new Error("slackAppSetupSteps needs at least one log type");
  const isOrganizationInstall = installTargetOf(logTypes) === "organization";
  const scopes = joinScopes(requiredUserScopes(logTypes));

  const steps: SetupStep[] = [
    signInStep(logTypes),
    {
      title: "Create a new Slack app",
      detail:
        "Go to https://api.slack.com/apps and click Create New App. " +
        "Recommended: choose From an app manifest, pick the workspace you just signed in to, paste the manifest shown here (JSON or YAML), review it and click Create; the redirect URL and scope below are then already set. " +
        `Or choose From scratch, enter an app name such as "${defaultSlackAppName(logTypes)}", pick that workspace and click Create App. ` +
        (isOrganizationInstall
          ? "The app lives in that workspace, but it will be installed on the whole organization."
          : "Use a new app for Tributary only, so that removing it later affects nothing else."),
    },
    {
      title: "Add the Redirect URL",
      detail:
        `In the left sidebar click OAuth & Permissions. Under Redirect URLs, click Add New Redirect URL, enter ${redirectUrl} exactly as shown, click Add, then Save URLs. ` +
        "Tributary sends exactly this address when it installs the app, and Slack refuses the install if it is not in this list. If you used the manifest, it is already there: check that it matches.",
    },
    {
      title: `Add the ${scopes} user token scope`,
      detail:
        `On the same page, under Scopes → User Token Scopes (not Bot Token Scopes), click Add an OAuth Scope and add ${scopes}. ` +
        "Tributary needs no bot token scope. If you used the manifest, the scope is already there.",
    },
  ];

  if (isOrganizationInstall) {
    steps.push(
      {
        title: "Complete the distribution checklist",
        detail:
          'In the left sidebar click Settings → Manage Distribution. Under "Share Your App with Other Workspaces", make sure all four items are done: ' +
          "Enable Features & Functionality, Add OAuth Redirect URLs, Remove Hard Coded Information, Use HTTPS For Your Features." +
          (redirectUrl.startsWith("http://")
            ? " Your Redirect URL starts with http://: Slack expects a distributed app's URLs to use HTTPS, so if Use HTTPS For Your Features stays unticked, serve Tributary over https:// and use that Redirect URL."
            : ""),
      },
      {
        title: "Click Activate Public Distribution",
        detail:
          "This does not make the app available to other organizations or list it in the Slack Marketplace. " +
          "Slack requires it before the app can be installed on the organization to read audit logs, and it cannot be set by the manifest.",
      },
    );
  }

  steps.push({
    title: "Copy the Client ID and Client Secret",
    detail:
      "In the left sidebar click Settings → Basic Information. Under App Credentials, copy the Client ID, then click Show next to Client Secret and copy it. Paste both into Tributary. " +
      "Do not copy the Signing Secret or the Verification Token from the same section: they look alike, but Tributary cannot install the app with them.",
  });

  return steps;
}
