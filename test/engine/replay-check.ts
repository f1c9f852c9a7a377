/** Replays a recording through the node and checks the output against it (replay and smoke tests). */
import { isRecord } from '../fake-segmind/http';
import {
	exchangesOf,
	lastCreditsReading,
	requestIdOf,
	type Recording,
} from '../fake-segmind/recording';
import { ReplaySegmind } from '../fake-segmind/replay';
import { runFluxNode, type FluxRun } from '../harness/run-node';

/** Runs one Generate against the recording served poll by poll, with short waits. */
export async function replayRecording(
	recording: Recording,
): Promise<{ replay: ReplaySegmind; result: FluxRun }> {
	const replay = new ReplaySegmind(recording);
	await replay.start();
	try {
		const sent = exchangesOf(recording, 'submit')[0]?.requestBody;
		const prompt = isRecord(sent) && typeof sent.text_prompt === 'string' ? sent.text_prompt : '';
		const result = await runFluxNode({
			credentials: { apiKey: replay.apiKey, baseUrl: replay.baseUrl },
			parameters: {
				operation: 'generate',
				textPrompt: prompt || 'a replayed prompt',
				workflowId: recording.header.workflow,
				options: { pollInterval: 0.2, timeout: 10 },
			},
		});
		return { replay, result };
	} finally {
		await replay.stop();
	}
}

/** The node's output is the recorded job's: its ID, credits and image type, after one submit. */
export function expectReplayed(recording: Recording, replay: ReplaySegmind, result: FluxRun): void {
	expect(result.error).toBeUndefined();
	const item = result.items?.[0];
	expect(item?.json).toMatchObject({
		image_output: expect.stringMatching(/^https?:\/\/\S+$/),
		request_id: requestIdOf(recording),
		remaining_credits: lastCreditsReading(recording),
	});
	expect(item?.binary?.data?.mimeType).toBe(exchangesOf(recording, 'image')[0]?.image?.type);
	expect(replay.requestsTo('submit')).toHaveLength(1);
	// Poll by poll: the node saw every recorded answer, in order, and stopped at the last.
	expect(replay.requestsTo('poll')).toHaveLength(exchangesOf(recording, 'poll').length);
	for (const request of replay.requests.filter((r) => r.host === 'images' || r.kind === 'image')) {
		expect(JSON.stringify(request.headers)).not.toContain(replay.apiKey);
	}
}
