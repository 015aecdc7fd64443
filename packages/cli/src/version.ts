import packageJson from "../package.json" with { type: "json" };

/** The version of `@chat/cli`, printed by `chat-cli --version`. Bundled in at build time. */
export const CLI_VERSION: string = packageJson.version;
