/**
 * Batch writes of the shapes the app sends (bench:wire's second table): the engine's CPU per written document, beside
 * a bare insertMany of two-field documents into a collection with only `_id` (the floor of storing a document) in the
 * same run. The collections carry the app's indexes for those shapes, copied here (the bench imports nothing of the app):
 *   - WeChat dedupe claims: insertMany (unordered) into a collection with a TTL index and a unique sparse signature;
 *   - WeChat stored replies: bulkWrite of updateOne by _id with `$set` of the reply (unordered), on those claims;
 *   - WeChat followers: bulkWrite of upserts by _id with `$set`/`$unset`/`$setOnInsert` (ordered), half new, half known;
 *   - WeChat interactions: insertMany (unordered) with a TTL and a compound index;
 *   - SMS fan-out: per 200-number batch, insertOne of the delivery (200 recipient sub-documents, the ledger's indexes)
 *     and an updateOne by _id + lease + status with `$set` of the 200 results — per delivery, not per document.
 */
import { ObjectId, type Db } from 'mongodb';

export interface BatchShape {
  name: string;
  /** Documents written per round (the unit of the per-document figure). */
  docs: number;
  run: (round: number) => Promise<unknown>;
}

const BATCH = 100;
const RECIPIENTS = 200;
const REPLY = `<xml><ToUserName><![CDATA[oUser0000000000000000000000]]></ToUserName><FromUserName><![CDATA[gh_account]]></FromUserName><CreateTime>1764547200</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${'您好，感谢关注人大代表联络站。'.repeat(6)}]]></Content></xml>`;

/** Creates the collections (with their indexes) and returns the shapes, the bare baseline first. */
export async function batchShapes(db: Db): Promise<BatchShape[]> {
  const bare = db.collection('bare');
  const claims = db.collection<{ _id: string }>('wechat_inbound_messages');
  await claims.createIndex({ receivedAt: 1 }, { expireAfterSeconds: 2 * 86_400 });
  await claims.createIndex({ signature: 1 }, { unique: true, sparse: true });
  const followers = db.collection<{ _id: string }>('wechat_followers');
  await followers.createIndex({ subscribed: 1, subscribedAt: -1, _id: 1 });
  await followers.createIndex({ tagIds: 1, subscribed: 1 });
  await followers.createIndex({ unsubscribedAt: 1 });
  await followers.createIndex({ subscribed: 1, lastSeenSyncId: 1 });
  const interactions = db.collection('wechat_interactions');
  await interactions.createIndex({ at: 1 }, { expireAfterSeconds: 366 * 86_400 });
  await interactions.createIndex({ event: 1, key: 1, at: 1 });
  const deliveries = db.collection('deliveries');
  await deliveries.createIndex({ idempotencyKey: 1 }, { unique: true });
  await deliveries.createIndex({ status: 1, nextAttemptAt: 1 });
  await deliveries.createIndex({ status: 1, 'lease.expiresAt': 1 });
  await deliveries.createIndex({ publicationId: 1, channel: 1, batchIndex: 1 });
  await deliveries.createIndex({ 'providerIds.publish_id': 1 }, { sparse: true });
  await deliveries.createIndex({ 'providerIds.msg_id': 1 }, { sparse: true });
  await deliveries.createIndex({ createdAt: 1, channel: 1 });

  const claimId = (round: number, i: number) => `oUser${String(i).padStart(23, '0')}:${round}`;
  const openid = (i: number) => `oFollower${String(i).padStart(19, '0')}`;
  const publicationId = new ObjectId();
  let lastDelivery: ObjectId | undefined;
  return [
    {
      name: `insertMany ${BATCH} {_id, k} (only _id): the floor`,
      docs: BATCH,
      run: () => bare.insertMany(Array.from({ length: BATCH }, (_, i) => ({ k: i, at: new Date() }))),
    },
    {
      name: `insertMany ${BATCH} WeChat claims (unique signature, TTL)`,
      docs: BATCH,
      run: (round) =>
        claims.insertMany(
          Array.from({ length: BATCH }, (_, i) => ({
            _id: claimId(round, i),
            status: 'processing',
            openid: openid(i),
            signature: `${round}-${i}-${'ab'.repeat(18)}`,
            bodyHash: 'cd'.repeat(16),
            receivedAt: new Date(),
          })),
          { ordered: false },
        ),
    },
    {
      name: `bulkWrite ${BATCH} reply $set by _id`,
      docs: BATCH,
      run: (round) =>
        claims.bulkWrite(
          Array.from({ length: BATCH }, (_, i) => ({
            updateOne: { filter: { _id: claimId(round, i) }, update: { $set: { status: 'done', reply: REPLY, deferred: false, doneAt: new Date() } } },
          })),
          { ordered: false },
        ),
    },
    {
      name: `bulkWrite ${BATCH} follower upserts (4 indexes)`,
      docs: BATCH,
      run: (round) => {
        const at = new Date();
        return followers.bulkWrite(
          Array.from({ length: BATCH }, (_, i) => ({
            updateOne: {
              // half the openids were written by the round before (updates), half are new (inserts)
              filter: { _id: openid(round * (BATCH / 2) + i) },
              update: { $set: { subscribed: true, subscribedAt: at, lastInteractionAt: at, updatedAt: at }, $unset: { unsubscribedAt: 1 }, $setOnInsert: { tagIds: [], createdAt: at } },
              upsert: true,
            },
          })),
          { ordered: true },
        );
      },
    },
    {
      name: `insertMany ${BATCH} WeChat interactions (TTL + compound)`,
      docs: BATCH,
      run: () =>
        interactions.insertMany(
          Array.from({ length: BATCH }, (_, i) => ({ openid: openid(i), event: i % 3 ? 'text' : 'CLICK', key: i % 3 ? undefined : 'menu_news', at: new Date() })),
          { ordered: false },
        ),
    },
    {
      name: `SMS batch: insertOne + updateOne, ${RECIPIENTS} recipients (per delivery)`,
      docs: 1,
      run: async (round) => {
        const now = new Date();
        const recipients = Array.from({ length: RECIPIENTS }, (_, i) => ({ recipient: `+86138${String(round * RECIPIENTS + i).padStart(8, '0')}`, name: `代表${i}`, status: 'queued' }));
        const doc = {
          publicationId, channel: 'sms', batchIndex: round, round: 1, supersededBy: null, idempotencyKey: `${publicationId}:sms:${round}`, status: 'sending',
          attempts: 1, maxAttempts: 5, nextAttemptAt: now, waitFor: null, lease: { owner: 'worker-1', expiresAt: now }, providerIds: {}, error: null,
          recipients, recipientCount: RECIPIENTS, reconcileAttempts: 0, polls: 0, actions: [], createdAt: now, updatedAt: now,
        };
        const { insertedId } = await deliveries.insertOne(doc);
        lastDelivery = insertedId;
        const results = recipients.map((r, i) => ({ ...r, status: 'sent', providerMessageId: `2433:${round}:${i}:${'9'.repeat(20)}` }));
        await deliveries.updateOne(
          { _id: lastDelivery, 'lease.owner': 'worker-1', status: { $in: ['sending', 'pending'] } },
          { $set: { status: 'sent', providerIds: { serial: 'x' }, recipients: results, error: null, updatedAt: new Date(), settledAt: new Date(), lease: null } },
        );
      },
    },
  ];
}
