/** Get Credits: the account's balance, from the one call that spends nothing. */
import { updateDisplayOptions } from 'n8n-workflow';
import type { INodeExecutionData } from 'n8n-workflow';

import { NO_CREDITS_YET } from '../constants';
import { parseCreditsBody, readFailureReason } from '../segmind/responses';
import { callFailure } from '../transport/failures';
import { optionsField, readOptions } from './fields';
import type { Operation } from './fields';
import type { RunContext } from './run';

export const description = updateDisplayOptions(
	{ show: { operation: ['getCredits'] satisfies Operation[] } },
	[optionsField(['requestTimeout'])],
);

export async function execute(run: RunContext, itemIndex: number): Promise<INodeExecutionData> {
	const { requestTimeoutMs, loneCallMs } = readOptions(run.ctx, itemIndex);
	const reply = await run.transport.call({
		kind: 'credits',
		method: 'GET',
		url: `${run.baseUrl}/v1/get-user-credits`,
		job: {},
		deadline: run.clock.now() + loneCallMs,
		attemptTimeoutMs: requestTimeoutMs,
		answers: [404],
	});
	if (reply.status === 404) {
		// An account that never bought credits has none to list: Segmind says so with a 404.
		if (!NO_CREDITS_YET.test(readFailureReason(reply.body))) {
			throw callFailure(
				'credits',
				{ kind: 'http', status: 404, body: JSON.stringify(reply.body) },
				{},
			);
		}
		return { json: { credits: 0, free_credits: 0 }, pairedItem: { item: itemIndex } };
	}
	const { credits, freeCredits } = parseCreditsBody(reply.body);
	return {
		json: { credits: credits ?? reply.credits, free_credits: freeCredits },
		pairedItem: { item: itemIndex },
	};
}
