/** Whose work an item is, and where it stands among that tenant's own work. */
export interface FairShare {
  /** The company's fairness key: tenants take turns, whatever each has queued. */
  tenant: string;
  /**
   * When the item's batch began. A tenant's earlier batches go first, so its batches finish (and
   * free their activity slots) one after another rather than all together at the end.
   */
  since: number;
}

/**
 * Round-robin between tenants, one item per turn, each tenant's items by batch age. A company
 * ordering 100 codes waits for one task of every other company, not for the 10,000-code batches
 * queued before it.
 */
export class FairQueue<T> {
  /** Each tenant's waiting items: earliest batch first, in arrival order within a batch. */
  private readonly lines = new Map<string, Array<{ item: T; since: number }>>();
  /** The tenants with waiting items, in the order of their next turn. */
  private readonly turns: string[] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  push(item: T, { tenant, since }: FairShare): void {
    let line = this.lines.get(tenant);
    if (!line) {
      line = [];
      this.lines.set(tenant, line);
      this.turns.push(tenant);
    }
    let at = line.length;
    while (at > 0 && line[at - 1].since > since) at--;
    line.splice(at, 0, { item, since });
    this.count++;
  }

  /** The next tenant's earliest item, or undefined when nothing waits. */
  shift(): T | undefined {
    const tenant = this.turns.shift();
    if (tenant === undefined) return undefined;
    const line = this.lines.get(tenant) as Array<{ item: T }>;
    const { item } = line.shift() as { item: T };
    if (line.length > 0) this.turns.push(tenant);
    else this.lines.delete(tenant);
    this.count--;
    return item;
  }

  /** Takes a waiting item out (an aborted one); false when it was not waiting. */
  remove(item: T, tenant: string): boolean {
    const line = this.lines.get(tenant);
    const at = line ? line.findIndex((entry) => entry.item === item) : -1;
    if (!line || at === -1) return false;
    line.splice(at, 1);
    this.count--;
    if (line.length === 0) {
      this.lines.delete(tenant);
      this.turns.splice(this.turns.indexOf(tenant), 1);
    }
    return true;
  }
}
