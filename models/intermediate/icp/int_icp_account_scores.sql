{#- One row per cutoff and scoped account: the ICP fit at that cutoff.
    total_weight = sum of the bucket weights of the account's attribute values
    (unknown values add nothing); estimated_win_probability = logistic(logit(base
    win rate) + total_weight); fit_score = 100 x logistic(total_weight), so 50 is
    the odds of an average closed account and the score is monotone in the
    probability. Hard exclusions (active exclude criteria) force grade D and say
    why; the score itself is kept. data_completeness = share of scored attributes
    known; evidence_level from it and from the share of known values whose bucket
    had enough training accounts (var icp_min_support). -#}
{%- set strong_min = var('icp_evidence_strong_min') -%}
{%- set thin_below = var('icp_evidence_thin_below') -%}
with

cutoffs as (
    select * from {{ ref('int_icp_cutoffs') }}
),

scoped_accounts as (
    select * from {{ ref('int_icp_scoped_accounts') }}
),

attributes as (
    select * from {{ ref('int_icp_account_attributes') }}
),

bucket_weights as (
    select * from {{ ref('int_icp_bucket_weights') }}
),

learned as (
    select * from {{ ref('int_icp_attribute_weights_learned') }}
),

attribute_config as (
    select * from {{ ref('icp_attributes') }}
),

exclusion_criteria as (
    select * from {{ ref('icp_criteria') }}
    where
        is_active
        and action = 'exclude'
),

base_rates as (
    select
        cutoffs.cutoff_name,
        coalesce(
            max(case when learned.base_win_rate > 0 and learned.base_win_rate < 1 then learned.base_win_rate end),
            {{ var('icp_default_base_rate') }}
        ) as base_win_rate
    from cutoffs
    left join learned
        on cutoffs.cutoff_name = learned.cutoff_name
    group by cutoffs.cutoff_name
),

scored_attributes as (
    select
        attribute_name,
        label
    from attribute_config
    where is_scored
),

contributions as (
    select
        attributes.cutoff_name,
        attributes.account_id,
        attributes.attribute_name,
        attributes.bucket,
        coalesce(bucket_weights.weight, 0) as weight,
        bucket_weights.lift,
        coalesce(bucket_weights.is_supported, false) as is_supported,
        coalesce(bucket_weights.is_rule_applied, false) as is_rule_applied,
        bucket_weights.rule_reason,
        coalesce(attribute_config.is_scored, false) as is_scored,
        case
            when attribute_config.label_in_reasons
                then {{ dbt.concat(['attribute_config.label', "' '", 'attributes.bucket']) }}
            else attributes.bucket
        end as value_text
    from attributes
    left join bucket_weights
        on
            attributes.cutoff_name = bucket_weights.cutoff_name
            and attributes.attribute_name = bucket_weights.attribute_name
            and lower(attributes.bucket) = lower(bucket_weights.bucket)
    left join attribute_config
        on attributes.attribute_name = attribute_config.attribute_name
),

account_weights as (
    select
        cutoff_name,
        account_id,
        cast(sum(cast(weight as {{ exact_decimal() }})) as {{ identity_type_double() }}) as total_weight,
        count(distinct case when is_scored then attribute_name end) as known_attributes,
        count(distinct case when is_scored and is_supported then attribute_name end) as supported_attributes
    from contributions
    group by
        cutoff_name,
        account_id
),

-- Plain words for the strongest contributions.
reason_candidates as (
    select
        cutoff_name,
        account_id,
        weight,
        case
            when is_rule_applied then rule_reason
            else {{ dbt.concat([
                'value_text',
                "': wins '",
                'cast(' ~ icp_round('lift', 1) ~ ' as ' ~ dbt.type_string() ~ ')',
                "'x as often'",
            ]) }}
        end as reason_text,
        row_number() over (
            partition by cutoff_name, account_id
            order by weight desc, attribute_name asc, bucket asc
        ) as positive_rank,
        row_number() over (
            partition by cutoff_name, account_id
            order by weight asc, attribute_name asc, bucket asc
        ) as negative_rank
    from contributions
    where
        abs(weight) >= {{ var('icp_reasons_min_abs_weight') }}
        and (is_rule_applied or lift is not null)
),

positive_reasons as (
    select
        cutoff_name,
        account_id,
        {{ dbt.listagg('reason_text', "'; '", 'order by positive_rank') }} as reasons
    from reason_candidates
    where weight > 0 and positive_rank <= {{ var('icp_reasons_positive') }}
    group by
        cutoff_name,
        account_id
),

negative_reasons as (
    select
        cutoff_name,
        account_id,
        {{ dbt.listagg('reason_text', "'; '", 'order by negative_rank') }} as reasons
    from reason_candidates
    where weight < 0 and negative_rank <= {{ var('icp_reasons_negative') }}
    group by
        cutoff_name,
        account_id
),

known_attributes as (
    select distinct
        cutoff_name,
        account_id,
        attribute_name
    from attributes
),

missing_attributes as (
    select
        scoped_accounts.cutoff_name,
        scoped_accounts.account_id,
        {{ dbt.listagg(
            'lower(scored_attributes.label)', "', '", 'order by scored_attributes.attribute_name'
        ) }} as missing_labels
    from scoped_accounts
    cross join scored_attributes
    left join known_attributes
        on
            scoped_accounts.cutoff_name = known_attributes.cutoff_name
            and scoped_accounts.account_id = known_attributes.account_id
            and scored_attributes.attribute_name = known_attributes.attribute_name
    where known_attributes.attribute_name is null
    group by
        scoped_accounts.cutoff_name,
        scoped_accounts.account_id
),

-- Every field an exclusion may test: the ICP attribute values plus CRM fields.
profile_values as (
    select
        cutoff_name,
        account_id,
        attribute_name as field,
        bucket as text_value,
        cast(null as {{ icp_type_double() }}) as number_value
    from attributes

    union all

    select
        cutoff_name,
        account_id,
        'account_type' as field,
        account_type as text_value,
        cast(null as {{ icp_type_double() }}) as number_value
    from scoped_accounts
    where account_type is not null

    union all

    select
        cutoff_name,
        account_id,
        'domain' as field,
        domain as text_value,
        cast(null as {{ icp_type_double() }}) as number_value
    from scoped_accounts
    where domain is not null

    union all

    select
        cutoff_name,
        account_id,
        'employee_count' as field,
        cast(null as {{ dbt.type_string() }}) as text_value,
        cast(employee_count as {{ icp_type_double() }}) as number_value
    from scoped_accounts
    where employee_count is not null

    union all

    select
        cutoff_name,
        account_id,
        'annual_revenue' as field,
        cast(null as {{ dbt.type_string() }}) as text_value,
        cast(annual_revenue as {{ icp_type_double() }}) as number_value
    from scoped_accounts
    where annual_revenue is not null
),

exclusion_matches as (
    select distinct
        profile_values.cutoff_name,
        profile_values.account_id,
        exclusion_criteria.criterion_id,
        exclusion_criteria.reason
    from profile_values
    inner join exclusion_criteria
        on
            profile_values.field = exclusion_criteria.attribute_name
            and (
                (
                    exclusion_criteria.operator = 'equals'
                    and lower(profile_values.text_value) = lower(exclusion_criteria.value)
                )
                or (
                    exclusion_criteria.operator = 'less_than'
                    and profile_values.number_value
                    < {{ dbt.safe_cast('exclusion_criteria.value', icp_type_double()) }}
                )
                or (
                    exclusion_criteria.operator = 'greater_than'
                    and profile_values.number_value
                    > {{ dbt.safe_cast('exclusion_criteria.value', icp_type_double()) }}
                )
            )
),

exclusions as (
    select
        cutoff_name,
        account_id,
        {{ dbt.listagg('reason', "'; '", 'order by criterion_id') }} as exclusion_reason
    from exclusion_matches
    group by
        cutoff_name,
        account_id
),

scored as (
    select
        scoped_accounts.cutoff_name,
        scoped_accounts.cutoff_date,
        scoped_accounts.as_of_date,
        scoped_accounts.account_id,
        scoped_accounts.is_in_crm,
        scoped_accounts.has_history,
        base_rates.base_win_rate,
        coalesce(account_weights.total_weight, 0) as total_weight,
        coalesce(account_weights.known_attributes, 0) as known_attributes,
        coalesce(account_weights.supported_attributes, 0) as supported_attributes,
        (select count(*) from scored_attributes) as scored_attribute_count,
        exclusions.exclusion_reason,
        positive_reasons.reasons as positive_reasons,
        negative_reasons.reasons as negative_reasons,
        missing_attributes.missing_labels
    from scoped_accounts
    inner join base_rates
        on scoped_accounts.cutoff_name = base_rates.cutoff_name
    left join account_weights
        on
            scoped_accounts.cutoff_name = account_weights.cutoff_name
            and scoped_accounts.account_id = account_weights.account_id
    left join exclusions
        on
            scoped_accounts.cutoff_name = exclusions.cutoff_name
            and scoped_accounts.account_id = exclusions.account_id
    left join positive_reasons
        on
            scoped_accounts.cutoff_name = positive_reasons.cutoff_name
            and scoped_accounts.account_id = positive_reasons.account_id
    left join negative_reasons
        on
            scoped_accounts.cutoff_name = negative_reasons.cutoff_name
            and scoped_accounts.account_id = negative_reasons.account_id
    left join missing_attributes
        on
            scoped_accounts.cutoff_name = missing_attributes.cutoff_name
            and scoped_accounts.account_id = missing_attributes.account_id
),

probabilities as (
    select
        scored.*,
        {{ icp_sigmoid(
            'ln(scored.base_win_rate / (1 - scored.base_win_rate)) + scored.total_weight'
        ) }} as estimated_win_probability,
        100.0 * {{ icp_sigmoid('scored.total_weight') }} as fit_score,
        case
            when scored.scored_attribute_count > 0
                then 1.0 * scored.known_attributes / scored.scored_attribute_count
            else 0
        end as data_completeness,
        case
            when scored.known_attributes > 0
                then 1.0 * scored.supported_attributes / scored.known_attributes
            else 0
        end as supported_share,
        scored.exclusion_reason is not null as is_excluded
    from scored
),

final as (
    select
        cutoff_name,
        cutoff_date,
        as_of_date,
        account_id,
        cast(fit_score as {{ icp_type_double() }}) as fit_score,
        cast(estimated_win_probability as {{ icp_type_double() }}) as estimated_win_probability,
        case
            when is_excluded then 'D'
            when fit_score >= {{ var('icp_grade_a_min_score') }} then 'A'
            when fit_score >= {{ var('icp_grade_b_min_score') }} then 'B'
            when fit_score >= {{ var('icp_grade_c_min_score') }} then 'C'
            else 'D'
        end as fit_grade,
        is_excluded,
        exclusion_reason,
        trim({{ dbt.concat([
            "case when is_excluded then " ~ dbt.concat(["'Excluded: '", 'exclusion_reason', "'. '"]) ~ " else '' end",
            "coalesce(" ~ dbt.concat(["'Strengths: '", 'positive_reasons', "'. '"]) ~ ", '')",
            "coalesce(" ~ dbt.concat(["'Concerns: '", 'negative_reasons', "'. '"]) ~ ", '')",
            "coalesce(" ~ dbt.concat(["'Missing data: '", 'missing_labels', "'. '"]) ~ ", '')",
            "case when known_attributes = 0 then 'No attribute known: the score is the base rate.' else '' end",
        ]) }}) as fit_reasons,
        cast(data_completeness as {{ icp_type_double() }}) as data_completeness,
        cast(supported_share as {{ icp_type_double() }}) as supported_share,
        case
            when data_completeness >= {{ strong_min }} and supported_share >= {{ strong_min }} then 'strong'
            when data_completeness < {{ thin_below }} or supported_share < {{ thin_below }} then 'thin'
            else 'moderate'
        end as evidence_level,
        has_history,
        is_in_crm,
        cast(total_weight as {{ icp_type_double() }}) as total_weight,
        cast(base_win_rate as {{ icp_type_double() }}) as base_win_rate,
        cast(known_attributes as {{ dbt.type_int() }}) as known_attributes,
        cast(scored_attribute_count as {{ dbt.type_int() }}) as scored_attribute_count
    from probabilities
)

select * from final
