/** Get Credits: the account's balance, from the one call that spends nothing. */
import type { INodeExecutionData } from 'n8n-workflow';

import { LONE_CALL_TIMEOUTS } from '../constants';
import { parseCreditsBody } from '../helpers/responses';
import { optionsField, readOptions } from './fields';
import type { RunContext } from './run';

export const description = [optionsField('getCredits', ['requestTimeout'])];

export async function execute(run: RunContext, itemIndex: number): Promise<INodeExecutionData> {
	const { requestTimeoutMs } = readOptions(run.ctx, itemIndex);
	const reply = await run.transport.call({
		kind: 'credits',
		method: 'GET',
		url: `${run.baseUrl}/v1/get-user-credits`,
		job: {},
		deadline: run.clock.now() + requestTimeoutMs * LONE_CALL_TIMEOUTS,
		timeoutMs: requestTimeoutMs,
	});
	const { credits, freeCredits } = parseCreditsBody(reply.body);
	return {
		json: { credits: credits ?? reply.credits, free_credits: freeCredits },
		pairedItem: { item: itemIndex },
	};
}
