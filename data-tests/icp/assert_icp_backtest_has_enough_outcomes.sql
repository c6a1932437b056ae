{#- Warning, never a failure: too few won or lost accounts closed after the
    backtest cutoff to judge the ICP (vars icp_backtest_min_outcomes,
    icp_backtest_min_per_class); the AUC is reported but not judged. -#}
{{ config(severity='warn') }}

select
    backtest_cutoff_date,
    total_outcomes,
    wins,
    losses
from {{ ref('icp_backtest') }}
where
    breakdown = 'overall'
    and auc_status = 'too_few_outcomes'
