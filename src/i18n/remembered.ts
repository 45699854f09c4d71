/**
 * The language Stackup last spoke to each person in, kept in memory, so a reply that can't ask
 * the database (it is down, or the service is too busy to do any work) still speaks it.
 */
export class RememberedLocales {
  private readonly people = new Map<string, string>();
  private readonly workspaces = new Map<string, string>();

  constructor(private readonly max = 10_000) {}

  remember(workspace: string, person: string, locale: string, workspaceLocale?: string): void {
    put(this.people, `${workspace}\u0000${person}`, locale, this.max);
    if (workspaceLocale) put(this.workspaces, workspace, workspaceLocale, this.max);
  }

  /** The person's last locale, else their workspace's last known default; undefined if neither. */
  of(workspace: string, person: string): string | undefined {
    return this.people.get(`${workspace}\u0000${person}`) ?? this.workspaces.get(workspace);
  }
}

/** Sets a key as the newest; past `max` the oldest goes, so memory stays bounded. */
function put(map: Map<string, string>, key: string, value: string, max: number): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > max) map.delete(map.keys().next().value as string);
}
