import { IANAZone } from "luxon";

export function isValidTimeZone(zone: string): boolean {
  return IANAZone.isValidZone(zone);
}
