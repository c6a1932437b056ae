{#- The published form of int_account_fit_scores (where the logic and its unit tests
    live), same grain and columns. -#}
with

account_fit_scores as (
    select * from {{ ref('int_account_fit_scores') }}
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
        scoring_mode
    from account_fit_scores
)

select * from final
