{#- Warning: with enough outcomes, the backtest AUC is below var
    icp_backtest_auc_warn_below (but above the failure line): the ICP ranks
    weakly; look at icp_attribute_weights and the criteria. -#}
{{ config(severity='warn') }}

select
    backtest_cutoff_date,
    auc,
    total_outcomes,
    auc_warn_below
from {{ ref('icp_backtest') }}
where
    breakdown = 'overall'
    and auc_status = 'warn'
