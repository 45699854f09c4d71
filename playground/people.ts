import type { SlackStandIn } from "./slack/standin.ts";

/** Who you can be in the playground before the demo organisation is seeded. */
export const PLAYGROUND_PEOPLE = [
  {
    id: "U0LEARNER",
    name: "ada",
    real_name: "Ada Lovelace",
    email: "ada@example.test",
    tz: "Europe/London",
  },
  {
    id: "U0MANAGER",
    name: "grace",
    real_name: "Grace Hopper",
    email: "grace@example.test",
    tz: "America/New_York",
  },
  {
    id: "U0ADMIN",
    name: "linus",
    real_name: "Linus Torvalds",
    email: "linus@example.test",
    tz: "Europe/Helsinki",
    is_admin: true,
  },
];

export function addPlaygroundPeople(standin: SlackStandIn): void {
  for (const person of PLAYGROUND_PEOPLE) standin.addUser(person);
  standin.addChannel({ id: "C0LEARNING", name: "learning" });
}
