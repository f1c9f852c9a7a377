'use strict';
/**
 * A local SMTP sink on 127.0.0.1 (smtp-server, no TLS, no auth) that parses every message it
 * accepts (mailparser) and keeps it for the assertions.
 */
const { SMTPServer } = require('smtp-server');
const { simpleParser } = require('mailparser');

async function startSmtpSink() {
	const messages = [];
	const server = new SMTPServer({
		secure: false,
		authOptional: true,
		disabledCommands: ['STARTTLS', 'AUTH'],
		logger: false,
		size: 20 * 1024 * 1024,
		onData(stream, session, callback) {
			simpleParser(stream).then(
				(mail) => {
					messages.push({
						envelope: {
							from: session.envelope.mailFrom && session.envelope.mailFrom.address,
							to: session.envelope.rcptTo.map((r) => r.address),
						},
						mail,
					});
					callback();
				},
				(error) => callback(error),
			);
		},
	});
	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', resolve);
	});
	const { port } = server.server.address();
	return {
		host: '127.0.0.1',
		port,
		messages,
		stop: () => new Promise((resolve) => server.close(resolve)),
	};
}

module.exports = { startSmtpSink };
