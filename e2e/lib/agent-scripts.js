'use strict';
/**
 * The fake model's scripts (lib/fake-openai.js) for the Flux tool, shared by the agent part and
 * the browser part's agent example.
 */
const { callTool, reply } = require('./fake-openai');

/** The name n8n gives the Flux Art Generator Tool. */
const TOOL_NAME = /^Flux_Art_Generator$/;

/** The model calls the tool, then answers with the image URL of the tool's JSON. */
const drawScript = (prompt) => [
	callTool(TOOL_NAME, { prompt }),
	reply((chat) => {
		const [result] = JSON.parse(chat.toolResult());
		if (!result || !result.image_output) throw new Error(`no image_output in the tool result`);
		return `Here is your picture: ${result.image_output}`;
	}),
];

/** The model calls the tool, then tells the user what went wrong, in the tool's words. */
const failureScript = (prompt) => [
	callTool(TOOL_NAME, { prompt }),
	reply((chat) => `I could not draw it: ${JSON.parse(chat.toolResult())[0].error}`),
];

module.exports = { TOOL_NAME, drawScript, failureScript };
