import type { NoData } from "../../ports.ts";
import type { DeliveryKind } from "./types.ts";

export const CHECKIN_TICK_JOB = "checkins.tick";
export const CHECKIN_DELIVER_JOB = "checkins.deliver";

export interface DeliverItem {
  key: string;
  userId: number;
  workspaceId: number;
  kind: DeliveryKind;
}

/** A chunk of deliveries, possibly from several workspaces. */
export interface DeliverData {
  deliveries: DeliverItem[];
}

/** The check-in jobs and their data; a job queued by a version that sent one per job is an item. */
export interface CheckinJobs {
  [CHECKIN_TICK_JOB]: NoData;
  [CHECKIN_DELIVER_JOB]: DeliverData | DeliverItem;
}

/** The deliveries a job carries, whichever version queued it. */
export const itemsOf = (data: DeliverData | DeliverItem): DeliverItem[] =>
  "deliveries" in data ? data.deliveries : [data];
