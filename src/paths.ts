/** The project's root folder, whether this code runs from src/ (ts-jest) or from dist/src/ (npm start). */
import path from "node:path";

const compiled = __dirname.split(path.sep).includes("dist");

export const PROJECT_ROOT = path.resolve(__dirname, compiled ? "../.." : "..");

/** Where `npm run build:frontend` writes the settings page. */
export const FRONTEND_DIR = path.join(PROJECT_ROOT, "dist", "frontend");
