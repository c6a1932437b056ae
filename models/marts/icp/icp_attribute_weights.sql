{#- One row per ICP attribute and bucket at the as-of date: how the accounts
    with that value won and lost before it, the learned weight of evidence and
    the weight the score uses after the analyst's criteria (var
    icp_scoring_mode). -#}
with

weights as (
    select * from {{ ref('int_icp_bucket_weights') }}
    where cutoff_name = 'scoring'
),

cutoffs as (
    select * from {{ ref('int_icp_cutoffs') }}
    where cutoff_name = 'scoring'
),

attribute_config as (
    select * from {{ ref('icp_attributes') }}
),

final as (
    select
        {{ dbt.concat(['weights.attribute_name', "':'", 'weights.bucket']) }} as attribute_bucket,
        cutoffs.as_of_date,
        weights.attribute_name,
        coalesce(attribute_config.label, weights.attribute_name) as attribute_label,
        weights.bucket,
        coalesce(weights.support, 0) as support,  -- noqa: RF04
        coalesce(weights.won_accounts, 0) as won_accounts,
        coalesce(weights.lost_accounts, 0) as lost_accounts,
        weights.base_win_rate,
        weights.win_rate,
        weights.smoothed_win_rate,
        weights.lift,
        weights.learned_weight,
        weights.added_points,
        weights.override_points,
        weights.weight,
        weights.is_scored,
        weights.is_supported,
        weights.is_rule_applied,
        weights.rule_reason,
        case
            when weights.is_supported then 'supported'
            when weights.support is null then 'no_training_accounts'
            else 'thin'
        end as evidence
    from weights
    cross join cutoffs
    left join attribute_config
        on weights.attribute_name = attribute_config.attribute_name
)

select * from final
