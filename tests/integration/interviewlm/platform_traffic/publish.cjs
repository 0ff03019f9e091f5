// The platform's traffic as its publishers build it (BullMQ's queue.add(name, data, opts)),
// sent to Kafka with kafkajs, or printed for kcat.
//   node publish.cjs send BROKERS PLAN.json   kafkajs, its default (Java-compatible murmur2) partitioner
//   node publish.cjs dump PLAN.json           the same records as JSON lines {topic, key, value, headers}
// PLAN.json: [{topic, shape, name, data, priority?, stamp?}] in sending order. data.timestamp
// (ISO-8601) is turned back into a Date, as the platform passes it, so JSON.stringify
// writes it the way the platform's producer would; with stamp: true it is the moment
// the record is built (the platform's `timestamp: new Date()` at the call). shape:
//   envelope  {type, data}, keyed by sessionId (the documented contract)
//   job       {name, data, opts}, keyed by sessionId (the README's migration snippet)
//   jobkey    {name, data, opts}, keyed by the BullMQ job id
//   header    data alone, the name in a `type` header (jobId, priority headers), keyed by sessionId
//   unkeyed   {name, data, opts}, no key
const [mode, ...rest] = process.argv.slice(2);
const fs = require('fs');

function record(entry) {
  const data = { ...entry.data, timestamp: entry.stamp ? new Date() : new Date(entry.data.timestamp) };
  const jobId = `${data.sessionId}_${entry.name}_${data.timestamp.getTime()}`;
  const opts = { jobId, attempts: 3, backoff: { type: 'exponential', delay: 2000 },
                 removeOnComplete: true, ...(entry.priority ? { priority: entry.priority } : {}) };
  const job = JSON.stringify({ name: entry.name, data, opts });
  switch (entry.shape) {
    case 'envelope':
      return { key: data.sessionId, value: JSON.stringify({ type: entry.name, data }) };
    case 'job': return { key: data.sessionId, value: job };
    case 'jobkey': return { key: jobId, value: job };
    case 'unkeyed': return { key: null, value: job };
    case 'header':
      return { key: data.sessionId, value: JSON.stringify(data), headers: {
        type: entry.name, jobId, ...(entry.priority ? { priority: String(entry.priority) } : {}) } };
    default: throw new Error(`unknown shape ${entry.shape}`);
  }
}

async function send(brokers, plan) {
  const { Kafka, Partitioners, logLevel } = require(process.env.NODE_DIR + '/node_modules/kafkajs');
  const kafka = new Kafka({ clientId: 'platform', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    for (const entry of plan) {  // one at a time: a session's events stay in order
      await producer.send({ topic: entry.topic, acks: -1, messages: [record(entry)] });
    }
  } finally {
    await producer.disconnect();
  }
}

(async () => {
  if (mode === 'send') {
    await send(rest[0], JSON.parse(fs.readFileSync(rest[1], 'utf8')));
  } else if (mode === 'dump') {
    for (const entry of JSON.parse(fs.readFileSync(rest[0], 'utf8'))) {
      const line = { topic: entry.topic, ...record(entry), ...(entry.stamp ? { stamp: true } : {}) };
      process.stdout.write(JSON.stringify(line) + '\n');
    }
  } else {
    throw new Error('usage: publish.cjs send BROKERS PLAN.json | dump PLAN.json');
  }
})().catch((e) => { console.error(e); process.exit(1); });
