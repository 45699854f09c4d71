import type { Selectable } from "kysely";
import type { CheckinDeliveriesTable, CheckinSchedulesTable } from "../../db/types.ts";

export type {
  CheckinDeliveryKind as DeliveryKind,
  CheckinDeliveryStatus as DeliveryStatus,
} from "../../db/types.ts";

export type ScheduleRow = Selectable<CheckinSchedulesTable>;
export type DeliveryRow = Selectable<CheckinDeliveriesTable>;
