{#- One row per cutoff and scoped account: the fit in plain words. fit_reasons
    reads, in this order: `Excluded: <reasons>.` (int_icp_account_exclusions),
    `Scored by the analyst rules: ...` when nothing could be learned at the
    cutoff (int_icp_training_modes), `Strengths: ...` (the var icp_reasons_positive largest positive
    contributions), `Concerns: ...` (the var icp_reasons_negative most negative),
    `No attribute separates your wins from your losses ...` when a model was
    learned but none of the account's known values moves its score enough to
    name, `Missing data: ...` (scored attributes not known) and, when no scored
    attribute is known, that the score is the base rate. A contribution speaks
    when its weight is at least var icp_reasons_min_abs_weight either way: the
    reason of the criteria that shaped it, else `<value>: wins <lift>x as
    often`. -#}
with

evidence as (
    select * from {{ ref('int_icp_account_evidence') }}
),

contributions as (
    select * from {{ ref('int_icp_account_contributions') }}
),

exclusions as (
    select * from {{ ref('int_icp_account_exclusions') }}
),

modes as (
    select * from {{ ref('int_icp_training_modes') }}
),

-- The contributions that speak, each in words.
speaking as (
    select
        cutoff_name,
        account_id,
        attribute_name,
        bucket,
        weight,
        case
            when is_rule_applied then rule_reason
            else {{ dbt.concat([
                'value_text',
                "': wins '",
                'cast(' ~ round_double('lift', 1) ~ ' as ' ~ dbt.type_string() ~ ')',
                "'x as often'",
            ]) }}
        end as reason_text
    from contributions
    where
        abs(weight) >= {{ var('icp_reasons_min_abs_weight') }}
        and (is_rule_applied or lift is not null)
),

-- Strengths ranked among the positive weights, concerns among the negative ones (each
-- sort over its own half).
positive_candidates as (
    select
        cutoff_name,
        account_id,
        reason_text,
        row_number() over (
            partition by cutoff_name, account_id
            order by weight desc, attribute_name asc, bucket asc
        ) as reason_rank
    from speaking
    where weight > 0
),

negative_candidates as (
    select
        cutoff_name,
        account_id,
        reason_text,
        row_number() over (
            partition by cutoff_name, account_id
            order by weight asc, attribute_name asc, bucket asc
        ) as reason_rank
    from speaking
    where weight < 0
),

positive_reasons as (
    select
        cutoff_name,
        account_id,
        {{ dbt.listagg('reason_text', "'; '", 'order by reason_rank') }} as reasons
    from positive_candidates
    where reason_rank <= {{ var('icp_reasons_positive') }}
    group by
        cutoff_name,
        account_id
),

negative_reasons as (
    select
        cutoff_name,
        account_id,
        {{ dbt.listagg('reason_text', "'; '", 'order by reason_rank') }} as reasons
    from negative_candidates
    where reason_rank <= {{ var('icp_reasons_negative') }}
    group by
        cutoff_name,
        account_id
),

phrases as (
    select
        evidence.cutoff_name,
        evidence.account_id,
        evidence.known_attributes,
        evidence.missing_labels,
        modes.is_rules_fallback,
        exclusions.exclusion_reason,
        positive_reasons.reasons as positive_reasons,
        negative_reasons.reasons as negative_reasons
    from evidence
    inner join modes
        on evidence.cutoff_name = modes.cutoff_name
    left join exclusions
        on
            evidence.cutoff_name = exclusions.cutoff_name
            and evidence.account_id = exclusions.account_id
    left join positive_reasons
        on
            evidence.cutoff_name = positive_reasons.cutoff_name
            and evidence.account_id = positive_reasons.account_id
    left join negative_reasons
        on
            evidence.cutoff_name = negative_reasons.cutoff_name
            and evidence.account_id = negative_reasons.account_id
),

final as (
    select
        cutoff_name,
        account_id,
        positive_reasons,
        negative_reasons,
        trim({{ dbt.concat([
            "coalesce(" ~ dbt.concat(["'Excluded: '", 'exclusion_reason', "'. '"]) ~ ", '')",
            "case when is_rules_fallback then 'Scored by the analyst rules: too few won and lost"
            ~ " deals to learn from. ' else '' end",
            "coalesce(" ~ dbt.concat(["'Strengths: '", 'positive_reasons', "'. '"]) ~ ", '')",
            "coalesce(" ~ dbt.concat(["'Concerns: '", 'negative_reasons', "'. '"]) ~ ", '')",
            "case when not is_rules_fallback and known_attributes > 0 and positive_reasons is null"
            ~ " and negative_reasons is null then 'No attribute separates your wins from your losses:"
            ~ " the score stays near the average. ' else '' end",
            "coalesce(" ~ dbt.concat(["'Missing data: '", 'missing_labels', "'. '"]) ~ ", '')",
            "case when known_attributes = 0 then 'No attribute known: the score is the base rate.' else '' end",
        ]) }}) as fit_reasons
    from phrases
)

select * from final
