// One Realtime session through the gateway with the official openai SDK's realtime client
// (OpenAIRealtimeWS over the ws package), driven by OpenAiSdkRealtimeTest:
//   node realtime.mjs <gateway base URL, e.g. http://127.0.0.1:8080/openai/v1> <model> <gateway token>
// Prints one JSON line: what the session saw (log id, session, deltas, usage), or exits non-zero.
import net from 'node:net';
import OpenAI from 'openai';
import { OpenAIRealtimeWS } from 'openai/beta/realtime/ws';

const [baseURL, model, token] = process.argv.slice(2);
const client = new OpenAI({ apiKey: 'sk-client-own', baseURL });
const seen = { deltas: [], types: [] };

const rt = new OpenAIRealtimeWS({
  model,
  options: {
    headers: { 'cf-aig-authorization': `Bearer ${token}`, 'cf-aig-metadata': '{"sdk":"openai-node"}' },
    // The SDK always dials wss://; the test gateway listens without TLS, as it does behind a
    // TLS-terminating host, so the socket is a plain one (ws's createConnection option).
    createConnection: (o) => net.connect({ host: o.host, port: Number(o.port) }),
  },
}, client);

const timer = setTimeout(() => fail(`timed out; saw ${seen.types.join(', ')}`), 20_000);

function fail(message) {
  console.error(message);
  process.exit(2);
}

rt.socket.on('upgrade', (res) => { seen.logId = res.headers['cf-aig-log-id']; });
rt.socket.on('unexpected-response', (_req, res) => fail(`upgrade refused: ${res.statusCode}`));
rt.on('error', (err) => fail(`realtime error: ${err.message}`));
rt.on('event', (e) => seen.types.push(e.type));

rt.on('session.created', (e) => {
  seen.createdModel = e.session.model;
  rt.send({ type: 'session.update', session: { instructions: 'answer in three words', modalities: ['text'] } });
});
rt.on('session.updated', (e) => {
  seen.instructions = e.session.instructions;
  rt.send({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hello from node' }] } });
  rt.send({ type: 'response.create', response: { modalities: ['text'] } });
});
rt.on('response.text.delta', (e) => seen.deltas.push(e.delta));
rt.on('response.done', (e) => {
  seen.status = e.response.status;
  seen.usage = e.response.usage;
  rt.close({ code: 1000, reason: 'done' });
});
rt.socket.on('close', (code) => {
  clearTimeout(timer);
  seen.closeCode = code;
  console.log(JSON.stringify(seen));
});
