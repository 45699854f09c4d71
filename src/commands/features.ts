import type { FeatureFactory } from "./feature.ts";
import { orgFeature } from "./features/org.ts";
import { showcaseFeature } from "./features/showcase.ts";

/** Every feature beyond the core goal loop; each adds its commands, actions and forms. */
export const FEATURES: FeatureFactory[] = [showcaseFeature, orgFeature];
