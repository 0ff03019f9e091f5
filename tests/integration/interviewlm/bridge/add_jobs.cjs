// Adds the platform's jobs with the real BullMQ library: chats and the submit analyze.
// Usage: node add_jobs.cjs REDIS_PORT SESSION_ID CANDIDATE_ID
const { Queue } = require(process.env.NODE_DIR + '/node_modules/bullmq');
const [port, sessionId, candidateId] = process.argv.slice(2);
(async () => {
  const connection = { host: '127.0.0.1', port: Number(port) };
  const interview = new Queue('interview', { connection });
  const evaluation = new Queue('evaluation', { connection });
  // The platform's own help-seeking phrasing, then a specific question; CHATS (optional)
  // adds that many more numbered chats, to check that the bridge keeps their order.
  const extra = Number(process.env.CHATS || 0);
  const chats = ["I'm stuck... can you help", 'fix it', 'why does parse_row fail on blank lines?',
    ...Array.from({ length: extra }, (_, i) => `question ${i} about parse_row`)];
  for (const [i, message] of chats.entries()) {
    await interview.add('ai-interaction', { sessionId, timestamp: new Date(Date.now() - 600000 + i * 1000),
      candidateMessage: message, aiResponse: 'Try checking the loop bounds.', toolsUsed: [],
      filesModified: [] }, { removeOnComplete: true, jobId: `${sessionId}_ai-interaction_${i}` });
  }
  await evaluation.add('analyze', { sessionId, candidateId, timestamp: new Date(), priority: 5 },
    { removeOnComplete: true, priority: 5, jobId: `${sessionId}_analyze` });
  await interview.close(); await evaluation.close();
})().catch((e) => { console.error(e); process.exit(1); });
