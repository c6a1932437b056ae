{#- Blocking: with enough outcomes to judge, the backtest AUC must reach var
    icp_backtest_auc_fail_below. A too-few-outcomes backtest never fails here. -#}
{{ config(severity='error') }}

select
    backtest_cutoff_date,
    auc,
    total_outcomes,
    auc_fail_below
from {{ ref('icp_backtest') }}
where
    breakdown = 'overall'
    and auc_status = 'fail'
