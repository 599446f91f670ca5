/**
 * The filing numbers a site in mainland China shows in its footer: the MIIT ICP filing (ICP备案号, e.g.
 * 京ICP备12345678号-1) and the public-security filing (公安机关备案号, e.g. 京公网安备11010502030143号), with the
 * official pages they link to. Shared by the configuration (defaults) and the site settings API.
 */
export const ICP_NUMBER_PATTERN = /^[\u4e00-\u9fa5]{1,2}ICP备\d{6,12}号(-\d{1,3})?$/;
export const PSB_NUMBER_PATTERN = /^[\u4e00-\u9fa5]{1,2}公网安备\s?\d{10,16}号$/;
export const ICP_NUMBER_EXAMPLE = '京ICP备12345678号-1';
export const PSB_NUMBER_EXAMPLE = '京公网安备11010502030143号';

/** The MIIT filing system (where the ICP number must link). */
export const ICP_LINK = 'https://beian.miit.gov.cn/';

/** The public-security filing's own record page (its digits are the record code). */
export function psbLink(number: string): string {
  const code = number.replace(/\D/g, '');
  return `https://beian.mps.gov.cn/#/query/webSearch?code=${code}`;
}
