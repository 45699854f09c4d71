import type { FeatureFactory } from "./feature.ts";
import { checkinsFeature } from "./features/checkins.ts";
import { credlyFeature } from "./features/credly.ts";
import { orgFeature } from "./features/org.ts";
import { planFeature } from "./features/plan.ts";
import { privacyFeature } from "./features/privacy.ts";
import { progressFeature } from "./features/progress.ts";
import { recommendFeature } from "./features/recommend.ts";
import { shareFeature } from "./features/share.ts";
import { showcaseFeature } from "./features/showcase.ts";
import { stackFeature } from "./features/stack.ts";
import { xapiFeature } from "./features/xapi.ts";

/** Every feature beyond the core goal loop; each adds its commands, actions and forms. */
export const FEATURES: FeatureFactory[] = [
  // First, so help lists history, undo and fix next to log.
  progressFeature,
  checkinsFeature,
  showcaseFeature,
  orgFeature,
  recommendFeature,
  stackFeature,
  planFeature,
  shareFeature,
  xapiFeature,
  credlyFeature,
  privacyFeature,
];
