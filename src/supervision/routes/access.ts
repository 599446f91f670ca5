/** Who may do what in supervision: the 督导考评 role writes; office staff read. */
export const WRITERS = ['supervisor'] as const;
export const READERS = ['supervisor', 'organizer', 'reviewer', 'editor'] as const;
export const tags = ['supervision'];
