/** Get Credits: the account's balance, from the one call that spends nothing. */
import type { INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { trimBaseUrl, parseCreditsBody } from '../helpers/responses';
import { optionsField, readOptions } from './fields';
import type { RunContext } from './job';

export const description: INodeProperties[] = [optionsField('getCredits', ['requestTimeout'])];

export async function execute(run: RunContext, itemIndex: number): Promise<INodeExecutionData> {
	const options = readOptions(run, itemIndex);
	const now = run.clock.now();
	const reply = await run.transport.call({
		kind: 'credits',
		method: 'GET',
		url: `${trimBaseUrl(run.baseUrl)}/v1/get-user-credits`,
		job: {},
		deadline: now + options.requestTimeoutMs * 3,
		timeoutMs: options.requestTimeoutMs,
	});
	const { credits, freeCredits } = parseCreditsBody(reply.body);
	return {
		json: { credits: credits ?? reply.credits, free_credits: freeCredits },
		pairedItem: { item: itemIndex },
	};
}
