/** Boot: read the context the server embedded, check the Bitbucket bridge, render the page. */
import "@atlaskit/css-reset";
import "./settings.css";
import { createRoot } from "react-dom/client";
import { connectTokenSource } from "./ap";
import { createSettingsApi } from "./api";
import { parsePageContext } from "./page-context";
import { SettingsPage } from "./SettingsPage";
import { StartupProblem } from "./StartupProblem";

/** Decided once: none of this changes while the page is open. */
function boot() {
  const getToken = connectTokenSource(window);
  if (getToken === undefined) {
    return (
      <StartupProblem title="Open this page from Bitbucket">
        This page only works inside Bitbucket: open the repository, then Repository settings, then ARM Connector.
      </StartupProblem>
    );
  }
  const context = parsePageContext(document.getElementById("arm-context")?.textContent);
  if (context === undefined) {
    return (
      <StartupProblem title="The page could not start">
        Its settings are missing or damaged. Reload the page; if this keeps happening, reinstall the ARM Connector app.
      </StartupProblem>
    );
  }
  const api = createSettingsApi({ getToken, sessionToken: context.sessionToken });
  return <SettingsPage api={api} context={context} />;
}

const root = document.getElementById("root");
if (root !== null) createRoot(root).render(boot());
