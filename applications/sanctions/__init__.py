"""The statutory sanctions for fraud (门政发〔2020〕25号 附则): a district administrator records a finding, and
`findings.finding_process` revokes the award, opens the recovery of the full amount paid and bans the enterprise
from the district's subsidies for three years; finance records repayments (`findings.repayment_record`).
"""
