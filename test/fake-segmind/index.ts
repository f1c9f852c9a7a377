/** The fake Segmind server for the node's tests and demos; see README.md. */
export { FakeSegmind } from './server';
export { FAILURE_REASONS, SEGMIND_ORIGIN } from './scenario';
export type {
	ApiPollPath,
	FailureShape,
	FakeSegmindOptions,
	InjectionRequest,
	OutputShape,
	PollPath,
	RecordedRequest,
} from './types';
