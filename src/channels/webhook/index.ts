/** The webhook channel (channel.ts) and its signature scheme (signature.ts). */
export { WebhookChannel, WebhookProgressModel, eventIdFor, type WebhookDirectory, type WebhookTarget } from './channel';
export { signatureHeader, verifyWebhookSignature, SIGNATURE_HEADER, EVENT_ID_HEADER, EVENT_HEADER, ATTEMPT_HEADER, WEBHOOK_TOLERANCE_SECONDS } from './signature';
