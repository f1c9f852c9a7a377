/**
 * The jobs the execution paid for, by item. When an item fails without Continue On Fail, n8n
 * discards the node's whole output, images included; the error lists these so none is lost.
 */
export interface LedgerEntry {
	item: number;
	request_id: string;
	poll_url?: string;
	image_output?: string;
}

export class JobLedger extends Map<number, LedgerEntry> {
	record(item: number, facts: Omit<LedgerEntry, 'item'>): void {
		this.set(item, { ...this.get(item), ...facts, item });
	}

	/** Every job but the failing item's own, in item order. */
	othersThan(item: number): LedgerEntry[] {
		return [...this.values()]
			.filter((entry) => entry.item !== item)
			.sort((a, b) => a.item - b.item);
	}
}
