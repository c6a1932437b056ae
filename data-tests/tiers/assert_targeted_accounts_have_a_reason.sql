{#- Every targeted account has a motion and a reason; not_target has no motion. -#}
select
    account_id,
    as_of_date,
    tier,
    motion,
    tier_reason
from {{ ref('account_tiers') }}
where
    (tier != 'not_target' and (motion is null or tier_reason is null or trim(tier_reason) = ''))
    or (tier = 'not_target' and motion is not null)
