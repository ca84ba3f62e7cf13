-- one referral per consultation and target agency
-- A retried or doubled referConsultation must not hand the same consultation over twice.

delete from referrals r using referrals k
  where r.consultation_id = k.consultation_id and r.to_organization_id = k.to_organization_id and r.id > k.id;
create unique index referrals_once on referrals (consultation_id, to_organization_id);
