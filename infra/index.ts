import { composeStack, platformFromPulumiConfig } from "./stack.js";

/**
 * The Pulumi program (Pulumi.yaml `main`). `pulumi up --stack mira-prod` runs it with the real
 * engine; `guardia render` runs the very same function under the SDK's mock runtime.
 */
export default function program() {
  const { platform, input } = platformFromPulumiConfig();
  return composeStack(platform, input);
}
