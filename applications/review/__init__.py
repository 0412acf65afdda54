"""A reviewer's examination of a case, between the enterprise's submission and the workflow's decisions.

- `applicant.py`: who is applying and whether they qualify: the profile as submitted, the figures the measure tests,
  SME size, each condition then and now, sanctions, earlier awards and open cases in the district;
- `materials.py`: the materials the clause asks for, the files handed in for each, the reviewer's verdicts;
- `criteria.py`: the measure's review criteria (the conditions only a person can judge) and the answers;
- `assignment.py`: a case assigned to a named reviewer of the lead department;
- `access.py`: who may record what; `events.py`: the audit events these records write.

Nothing here moves a case: that stays with workflow.apply_transition. Each record is kept with the case and written
to its audit trail as an Event in the case's present state.
"""
