{#- One row per universe account per as-of date: the ICP fit score learned at
    the as-of date (see int_icp_account_scores). Net-new accounts and accounts
    without history are scored by the same weights (look-alikes); evidence_level
    and data_completeness say how much the score rests on. -#}
with

scores as (
    select * from {{ ref('int_icp_account_scores') }}
    where cutoff_name = 'scoring'
),

final as (
    select
        account_id,
        as_of_date,
        fit_score,
        estimated_win_probability,
        fit_grade,
        is_excluded,
        exclusion_reason,
        fit_reasons,
        data_completeness,
        evidence_level,
        has_history,
        is_in_crm,
        total_weight,
        base_win_rate,
        supported_share,
        known_attributes,
        scored_attribute_count,
        cast('{{ var("icp_scoring_mode") }}' as {{ dbt.type_string() }}) as scoring_mode
    from scores
)

select * from final
