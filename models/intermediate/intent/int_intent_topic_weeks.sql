{#- One row per account, Bombora topic and week: the week's composite score (the
    highest of the account's domains) with the account's own baseline for that
    topic, the average score of the var intent_baseline_weeks calendar weeks
    before it. Incremental: a run re-computes the weeks from the latest stored week
    minus var intent_late_arrival_weeks (late files) onwards and reads the baseline
    weeks before them. An account whose identity changed (int_intent_account_identities:
    another set of domains, or merged away) loses its stored rows in the pre-hook and
    gets its whole history re-computed, so an incremental run equals a full build.
    Spark (insert_overwrite by week) re-computes the window only: run --full-refresh
    there after identity changes. Surge flags, topic weights and decay are applied
    downstream (account_intent_scores), so changing those rules never needs a full
    refresh here. -#}
{%- set replaces_rows = incremental_replaces_rows() -%}
{{
    config(**partitioned_incremental(
        'week_start_date',
        unique_key=['account_id', 'topic_name', 'week_start_date'],
        pre_hook="{{ forget_changed_identities(this, ref('int_intent_account_identities')) }}",
    ))
}}
{%- set days_since_epoch_monday = dbt.datediff(
    "cast('2000-01-03' as date)", 'account_weeks.week_start_date', 'day'
) -%}
with

surges as (
    select * from {{ ref('stg_intent__bombora_surges') }}
),

signal_domains as (
    select * from {{ ref('int_signal_domains_matched_to_accounts') }}
    where record_source = 'bombora' and account_id is not null
),

identities as (
    select * from {{ ref('int_intent_account_identities') }}
),

{% if is_incremental() %}
reprocess as (
    select
        {{ dbt.dateadd('day', -7 * var('intent_late_arrival_weeks'), 'max(this_model.week_start_date)') }}
        as from_week
    from {{ this }} as this_model
),

-- After the pre-hook, an account without stored rows is new or changed: all its weeks.
stored_accounts as (
    select distinct this_model.account_id
    from {{ this }} as this_model
),
{% endif %}

account_weeks as (
    select
        signal_domains.account_id,
        trim(surges.topic_name) as topic_name,
        surges.week_start_date,
        max(surges.cluster_name) as cluster_name,
        max(surges.composite_score) as composite_score,
        count(distinct surges.domain) as domain_count
    from surges
    inner join signal_domains
        on lower(trim(surges.domain)) = signal_domains.domain
    {% if is_incremental() %}
        cross join reprocess
        where
            reprocess.from_week is null
            or surges.week_start_date
            >= {{ dbt.dateadd('day', -7 * var('intent_baseline_weeks'), 'reprocess.from_week') }}
            {% if replaces_rows %}
                or signal_domains.account_id not in (
                    select stored_accounts.account_id from stored_accounts
                )
            {% endif %}
    {% else %}
        where surges.week_start_date is not null
    {% endif %}
    group by signal_domains.account_id, trim(surges.topic_name), surges.week_start_date
),

numbered as (
    select
        account_weeks.*,
        -- Weeks since a fixed Monday: RANGE frames over an integer are portable.
        cast(
            floor({{ days_since_epoch_monday }} / 7)
            as {{ dbt.type_bigint() }}
        ) as week_number
    from account_weeks
    where account_weeks.composite_score is not null
),

with_baseline as (
    select
        numbered.account_id,
        numbered.topic_name,
        numbered.cluster_name,
        numbered.week_start_date,
        numbered.week_number,
        numbered.composite_score,
        numbered.domain_count,
        avg(numbered.composite_score) over (
            partition by numbered.account_id, numbered.topic_name
            order by numbered.week_number
            range between {{ var('intent_baseline_weeks') }} preceding and 1 preceding
        ) as baseline_score,
        count(numbered.composite_score) over (
            partition by numbered.account_id, numbered.topic_name
            order by numbered.week_number
            range between {{ var('intent_baseline_weeks') }} preceding and 1 preceding
        ) as baseline_week_count
    from numbered
),

final as (
    select
        with_baseline.account_id,
        with_baseline.topic_name,
        with_baseline.cluster_name,
        with_baseline.week_start_date,
        with_baseline.week_number,
        cast(with_baseline.composite_score as {{ type_double() }}) as composite_score,
        cast(with_baseline.baseline_score as {{ type_double() }}) as baseline_score,
        cast(with_baseline.baseline_week_count as {{ dbt.type_int() }}) as baseline_week_count,
        cast(
            with_baseline.composite_score - with_baseline.baseline_score as {{ type_double() }}
        ) as score_vs_baseline,
        cast(with_baseline.domain_count as {{ dbt.type_int() }}) as domain_count,
        identities.identity_key
    from with_baseline
    inner join identities on with_baseline.account_id = identities.account_id
    {% if is_incremental() %}
        cross join reprocess
        where
            reprocess.from_week is null
            or with_baseline.week_start_date >= reprocess.from_week
            {% if replaces_rows %}
                or with_baseline.account_id not in (
                    select stored_accounts.account_id from stored_accounts
                )
            {% endif %}
    {% endif %}
)

select * from final
