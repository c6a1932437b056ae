{#- Warning, never a failure: at a cutoff the ICP could learn nothing (too few
    won and lost accounts, deals and customers: int_icp_training_modes), so the
    analyst rules in seeds/icp/icp_criteria.csv score instead. mode_reason says
    what was missing. -#}
{{ config(severity='warn') }}

select
    cutoff_name,
    training_mode,
    mode_reason
from {{ ref('int_icp_training_modes') }}
where is_rules_fallback
