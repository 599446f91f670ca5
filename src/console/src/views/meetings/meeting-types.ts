/** The meetings API's views, as the organizer's screens use them. */
export interface MeetingView {
  id: string;
  title: string;
  theme: string;
  description: string;
  startsAt: string;
  endsAt: string;
  startsAtLocal?: string;
  endsAtLocal?: string;
  venue: string;
  address: string;
  agenda: { time?: string; title: string; speaker?: string }[];
  featuredCaseIds: string[];
  featuredDeputyIds: string[];
  invitees: { deputyIds: string[]; groupIds: string[]; extras: { name: string; phone: string }[] };
  capacity: number | null;
  publicSignup?: boolean;
  rsvpDeadline: string | null;
  status: string;
  statusLabel: string;
  slug: string;
  path: string;
  version: number;
  acceptedCount?: number;
  changes: { at: string; note?: string; [k: string]: unknown }[];
  cancelReason?: string;
}

export interface RsvpRow {
  id: string;
  name: string;
  phone?: string;
  source: string;
  sourceLabel: string;
  response: 'accepted' | 'waitlisted' | 'declined' | 'pending';
  unit?: string;
  responseLabel: string;
  note: string;
  respondedAt?: string;
  checkedInAt?: string | null;
}

export interface RsvpList {
  counts: { invited: number; pending: number; accepted: number; waitlisted?: number; declined: number; checkedIn?: number };
  capacity: number | null;
  seatsTaken: number;
  seatsLeft: number | null;
  items: RsvpRow[];
}
