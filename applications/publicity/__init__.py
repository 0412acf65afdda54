"""公示 objections, from the public's form to the reviewers' triage (DOMAIN.md: real-name, written, with evidence;
the objector's identity is kept from the party objected to, 个人信息保护法).

- `lodging.py`: an objection received while the case is in 公示, kept whatever else arrives at the same moment;
- `triage.py`: a reviewer dismisses it with a reason (the case stays in 公示 and goes on) or upholds it (back to
  review), and the objector is told by e-mail;
- `receivers.py`: a case that leaves 公示 any other way closes its pending objections and tells their objectors;
- `events.py`: the audit events these write (the staff's own, and the one line the applicant sees);
- `access.py`: who may examine an objection; `listing.py`: the public 公示 list.

The applicant and the public see only that an objection is being examined: never the objector's name, phone, e-mail,
text or file. Moving the case stays with workflow.apply_transition; the end of 公示 with objections resolved is the
transition table's (workflow.objections).
"""
