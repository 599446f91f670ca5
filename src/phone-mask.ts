/** 138****5678: a mainland mobile number (any spelling: spaces, +86) shown to people who need not see all of it. */
export function maskPhone(phone: string): string {
  const local = String(phone).replace(/[\s-]/g, '').replace(/^(\+86|0086)/, '');
  return /^\d{11}$/.test(local) ? `${local.slice(0, 3)}****${local.slice(7)}` : '***';
}
