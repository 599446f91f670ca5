/** The fake provider servers (see each file for the protocol it speaks). */
export { startFakeWechat, WECHAT_ERRMSG, type FakeWechat, type FakeWechatState, type FakeWechatControls } from './wechat';
export { startFakeTencentSms, type FakeTencentSms, type FakeTencentSmsState } from './tencent-sms';
export { startFakeAliyunSms, type FakeAliyunSms, type FakeAliyunSmsState } from './aliyun-sms';
export { remoteControl, remoteState, type FailureSpec } from './http';
export { startFakeWeibo, WEIBO_ERRORS, type FakeWeibo, type FakeWeiboState } from './weibo';
