// Adds the platform's jobs with the real BullMQ library: chats and the submit analyze.
// Usage: node add_jobs.cjs REDIS_PORT SESSION_ID CANDIDATE_ID
const { Queue } = require(process.env.NODE_DIR + '/node_modules/bullmq');
const [port, sessionId, candidateId] = process.argv.slice(2);
(async () => {
  const connection = { host: '127.0.0.1', port: Number(port) };
  const interview = new Queue('interview', { connection });
  const evaluation = new Queue('evaluation', { connection });
  const chats = ["I'm stuck, help?", 'fix it', 'why does parse_row fail on blank lines?'];
  for (const [i, message] of chats.entries()) {
    await interview.add('ai-interaction', { sessionId, timestamp: new Date(Date.now() - 60000 + i * 1000),
      candidateMessage: message, aiResponse: 'Try checking the loop bounds.', toolsUsed: [],
      filesModified: [] }, { removeOnComplete: true, jobId: `${sessionId}_ai-interaction_${i}` });
  }
  await evaluation.add('analyze', { sessionId, candidateId, timestamp: new Date(), priority: 5 },
    { removeOnComplete: true, priority: 5, jobId: `${sessionId}_analyze` });
  await interview.close(); await evaluation.close();
})().catch((e) => { console.error(e); process.exit(1); });
